# Cordon keeps new pods off a node; taints repel pods that do not tolerate
# them, and a NoExecute taint evicts the pods already there.
kubectl cordon node-1
kubectl cordon node-1
kubectl get nodes
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
EOF
sleep 10
kubectl get pods -o wide
# The node lifecycle controller mirrors spec.unschedulable as a taint; the
# kubelet records NodeNotSchedulable on its next status sync.
kubectl describe node node-1
kubectl uncordon node-1
kubectl uncordon node-1
kubectl taint nodes node-2 dedicated=gpu:NoSchedule
kubectl taint nodes node-2 dedicated=ml:NoSchedule
kubectl taint nodes node-2 dedicated=ml:NoSchedule --overwrite
kubectl taint nodes node-2 dedicated:NoSchedule-
kubectl taint nodes node-2 dedicated:NoSchedule-
kubectl taint nodes node-2 evict=now:NoExecute
sleep 10
kubectl get pods -o wide
kubectl get events --field-selector reason=TaintManagerEviction
kubectl taint nodes node-2 evict-
kubectl taint nodes node-2 foo=bar:Sometimes
kubectl taint nodes node-2 foo=bar
kubectl taint nodes node-2
kubectl taint nodes node-9 foo=bar:NoSchedule
kubectl cordon
kubectl cordon node-9
