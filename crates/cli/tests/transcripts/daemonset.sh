# A DaemonSet runs one pod on every node that may run it: both workers, but
# not the control plane, whose NoSchedule taint it does not tolerate.
# kube-proxy, which tolerates every taint, runs on all three nodes.
kubectl get nodes
kubectl get ds -n kube-system
kubectl get pods -n kube-system -l k8s-app=kube-proxy -o wide
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  labels:
    app: node-agent
spec:
  selector:
    matchLabels:
      app: node-agent
  template:
    metadata:
      labels:
        app: node-agent
    spec:
      containers:
      - name: agent
        image: nginx:1.27
EOF
sleep 10
kubectl get ds node-agent
kubectl get pods -l app=node-agent -o wide
kubectl get controllerrevisions
# A DaemonSet restricted by a nodeSelector follows the nodes' labels.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ssd-monitor
spec:
  selector:
    matchLabels:
      app: ssd-monitor
  template:
    metadata:
      labels:
        app: ssd-monitor
    spec:
      nodeSelector:
        disktype: ssd
      containers:
      - name: main
        image: nginx:1.27
EOF
sleep 5
kubectl get ds ssd-monitor
kubectl label node node-2 disktype=ssd
sleep 10
kubectl get ds ssd-monitor
kubectl get pods -l app=ssd-monitor -o wide
kubectl label node node-2 disktype-
sleep 40
kubectl get ds ssd-monitor
kubectl get pods -l app=ssd-monitor
# A rolling update replaces the pods one node at a time (maxUnavailable 1).
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  labels:
    app: node-agent
spec:
  selector:
    matchLabels:
      app: node-agent
  template:
    metadata:
      labels:
        app: node-agent
    spec:
      containers:
      - name: agent
        image: nginx:1.28
EOF
sleep 2
kubectl get pods -l app=node-agent
sleep 5
kubectl get pods -l app=node-agent
sleep 30
kubectl get ds node-agent
kubectl get pods -l app=node-agent -o wide
kubectl get controllerrevisions
kubectl describe ds node-agent
# rollout works on DaemonSets: history, undo to the first template, status
kubectl rollout history daemonset/node-agent
kubectl rollout undo daemonset/node-agent --to-revision=1
kubectl rollout status daemonset/node-agent
kubectl rollout history ds/node-agent
kubectl rollout undo ds/node-agent --to-revision=9
# kubectl set works on a DaemonSet's pod template too
kubectl set image ds/node-agent agent=nginx:1.28
kubectl rollout status ds/node-agent
kubectl get ds node-agent -o wide
