# Deleting a StatefulSet with --cascade=orphan leaves its pods running,
# without an owner. A StatefulSet with the same name and a matching
# selector adopts them again (getPodsForStatefulSet claims the orphans
# named <set>-<ordinal>): nothing is recreated or restarted.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
EOF
kubectl rollout status sts/web
kubectl delete sts web --cascade=orphan
kubectl get pods -l app=nginx
kubectl describe pod web-0
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
EOF
kubectl rollout status sts/web
kubectl get pods -l app=nginx
kubectl get sts web
kubectl describe pod web-0
