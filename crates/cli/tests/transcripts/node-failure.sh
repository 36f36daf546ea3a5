# A worker loses power. Its kubelet stops renewing the node Lease; after
# node-monitor-grace-period (50 s in v1.32) the node lifecycle controller
# marks it Unknown (NotReady) and taints it unreachable. 300 s later (the
# tolerationSeconds every pod gets from admission) the taint eviction
# controller deletes its pods: they stay Terminating because no kubelet is
# there to confirm, and the ReplicaSet replaces them on the other worker.
# When the machine boots again the kubelet finishes the deletions.
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
sleep 20
kubectl get pods -o wide
kubarium node stop node-1
sleep 40
kubectl get nodes
sleep 20
kubectl get nodes
kubectl get pods -o wide
kubectl describe node node-1
sleep 5m
kubectl get pods -o wide
kubectl get events --field-selector reason=TaintManagerEviction
kubarium node start node-1
sleep 30
kubectl get nodes
kubectl get pods -o wide
