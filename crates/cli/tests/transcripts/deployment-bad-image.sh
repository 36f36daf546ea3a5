# A rollout to an image that cannot be pulled stalls: the new ReplicaSet's
# pods stay in ErrImagePull/ImagePullBackOff, the old ReplicaSet keeps
# replicas - maxUnavailable pods, and after progressDeadlineSeconds the
# Progressing condition turns False with ProgressDeadlineExceeded.
# `rollout undo` brings the previous template back.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  progressDeadlineSeconds: 90
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
        image: nginx:1.26
        ports:
        - containerPort: 80
EOF
kubectl rollout status deployment/web
kubectl set image deployment/web nginx=nginx:1.27-does-not-exist
kubectl rollout status deployment/web --timeout=20s
kubectl get deploy,rs
kubectl get pods
kubectl rollout status deployment/web
kubectl describe deployment web
kubectl rollout undo deployment/web
kubectl rollout status deployment/web
kubectl get rs
kubectl get pods
# Bad input: what the API server and kubectl say.
kubectl create deployment web2 --replicas=2
kubectl create deployment web2 --image=nginx --image=busybox --port=80
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad
spec:
  selector:
    matchLabels:
      app: other
  strategy:
    rollingUpdate:
      maxSurge: 0
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: bad
    spec:
      containers:
      - name: nginx
        image: nginx
EOF
kubectl scale deployment nope --replicas=2
kubectl rollout status deployment/nope
kubectl set image deployment/web php=php:8
