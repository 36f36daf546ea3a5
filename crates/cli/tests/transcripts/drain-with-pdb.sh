# Draining a node with a PodDisruptionBudget: drain cordons the node and
# evicts its pods through the Eviction API. The budget allows one
# disruption at a time, so the second eviction is refused (429) until the
# ReplicaSet's replacement is Ready elsewhere; drain retries every 5 s.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
spec:
  replicas: 4
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
kubectl run solo --image=nginx:1.27
kubectl create poddisruptionbudget web-pdb --selector=app=web --min-available=3
sleep 20
kubectl get pdb
kubectl get pods -o wide
kubectl drain node-1
kubectl drain node-1 --ignore-daemonsets
kubectl drain node-1 --ignore-daemonsets --force
kubectl get nodes
kubectl get pods -o wide
kubectl describe pdb web-pdb
kubectl uncordon node-1
kubectl uncordon node-1
# A budget that allows no disruption at all blocks drain until --timeout.
kubectl delete pdb web-pdb
kubectl create pdb strict --selector=app=web --max-unavailable=0
sleep 5
kubectl get pdb
kubectl drain node-2 --ignore-daemonsets --force --timeout=12s
kubectl get pods -o wide
kubectl uncordon node-2
kubectl create pdb bad --selector=app=web
kubectl create pdb bad --selector=app=web --min-available=1 --max-unavailable=1
kubectl create pdb bad --selector=app=web --min-available=lots
kubectl apply -f - <<EOF
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: bad
spec:
  minAvailable: 150%
  selector:
    matchLabels:
      app: web
EOF
