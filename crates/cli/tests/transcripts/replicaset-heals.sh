# A ReplicaSet keeps its replicas: deleted pods are replaced.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend
  labels:
    app: guestbook
spec:
  replicas: 3
  selector:
    matchLabels:
      tier: frontend
  template:
    metadata:
      labels:
        tier: frontend
    spec:
      containers:
      - name: php-redis
        image: nginx:1.27
EOF
sleep 15
kubectl get rs frontend
kubectl get pods -l tier=frontend -o wide
kubectl delete pod -l tier=frontend --wait=false
sleep 1
kubectl get pods -l tier=frontend
sleep 30
kubectl get pods -l tier=frontend
kubectl describe rs frontend
kubectl delete rs frontend
sleep 35
kubectl get pods
