# The Recreate strategy: every old pod is stopped before any new pod is
# created, so the application is down for a moment.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
spec:
  replicas: 2
  strategy:
    type: Recreate
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: redis
        image: redis:7.2
EOF
kubectl rollout status deployment/db
kubectl set image deployment/db redis=redis:7.4
kubectl get pods
sleep 2
kubectl get pods
kubectl rollout status deployment/db
kubectl get rs
kubectl describe deployment db
