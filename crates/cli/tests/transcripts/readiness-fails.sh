# A readiness probe on a port nothing listens on: the pod runs but is never
# ready (0/1 Running), and it is never restarted.
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: not-ready
  labels:
    app: web
spec:
  containers:
  - name: web
    image: nginx:1.27
    readinessProbe:
      tcpSocket:
        port: 8080
      periodSeconds: 5
EOF
sleep 1m
kubectl get pods
kubectl describe pod not-ready
