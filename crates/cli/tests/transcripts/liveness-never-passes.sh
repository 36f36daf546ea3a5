# A liveness probe that can never pass: nginx serves no /healthz, so every
# probe gets a 404; after 3 failures the kubelet restarts the container, and
# repeated restarts back off (CrashLoopBackOff between restarts).
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: liveness-http
spec:
  containers:
  - name: web
    image: nginx:1.27
    livenessProbe:
      httpGet:
        path: /healthz
        port: 80
      initialDelaySeconds: 3
      periodSeconds: 3
EOF
sleep 20
kubectl get pod liveness-http
sleep 2m
kubectl get pod liveness-http
kubectl describe pod liveness-http
