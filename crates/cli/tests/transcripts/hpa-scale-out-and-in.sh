# HorizontalPodAutoscaler: a CPU-bound Deployment scales out under load and
# back in once the load stops and the 5-minute downscale window has passed.
# A shell busy loop spins one core; the 500m limit throttles it, so each
# pod uses 250% of its 200m request.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: php-apache
spec:
  selector:
    matchLabels:
      app: php-apache
  template:
    metadata:
      labels:
        app: php-apache
    spec:
      containers:
      - name: burner
        image: busybox
        command: ["sh", "-c", "while true; do :; done"]
        resources:
          requests:
            cpu: 200m
          limits:
            cpu: 500m
EOF
kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10
kubectl get hpa
sleep 20
kubectl get hpa
kubectl top pods
sleep 60
kubectl get hpa
kubectl get deployment php-apache
sleep 120
kubectl get hpa
kubectl describe hpa php-apache
# Stop the load: the new pods only sleep.
kubectl patch deployment php-apache -p '{"spec":{"template":{"spec":{"containers":[{"name":"burner","command":["sh","-c","sleep 3600"]}]}}}}'
sleep 120
kubectl get hpa
kubectl get deployment php-apache
sleep 240
kubectl get hpa
kubectl get deployment php-apache
kubectl describe hpa php-apache
