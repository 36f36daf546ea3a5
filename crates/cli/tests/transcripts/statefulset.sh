# A StatefulSet gives its pods stable names web-0, web-1, web-2. With the
# default OrderedReady policy each pod is created only when the one before
# it is Running and Ready.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
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
        ports:
        - containerPort: 80
          name: web
EOF
sleep 1
kubectl get pods -l app=nginx
sleep 3
kubectl get pods -l app=nginx
sleep 4
kubectl get pods -l app=nginx
sleep 10
kubectl get pods -l app=nginx -o wide
kubectl get sts web
kubectl get sts web -o wide
kubectl get pods -l app=nginx --show-labels
kubectl get controllerrevisions
# Scaling down removes the highest ordinal first, one pod at a time.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 1
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
        ports:
        - containerPort: 80
          name: web
EOF
kubectl get pods -l app=nginx
sleep 0.5
kubectl get pods -l app=nginx
sleep 30
kubectl get pods -l app=nginx
kubectl get sts web
kubectl describe sts web
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
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
        ports:
        - containerPort: 80
          name: web
EOF
sleep 20
kubectl get pods -l app=nginx
# A rolling update with partition 2 updates only the pods with an ordinal
# of 2 or more, in reverse order; web-0 and web-1 keep the old revision.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      partition: 2
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.28
        ports:
        - containerPort: 80
          name: web
EOF
sleep 1
kubectl get pods -l app=nginx
sleep 30
kubectl get pods -l app=nginx --show-labels
kubectl get controllerrevisions
kubectl describe sts web
# Lowering the partition to 0 rolls out the rest: web-1, then web-0.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      partition: 0
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.28
        ports:
        - containerPort: 80
          name: web
EOF
sleep 1
kubectl get pods -l app=nginx
sleep 30
kubectl get pods -l app=nginx --show-labels
kubectl get events --field-selector involvedObject.kind=StatefulSet
# rollout and scale work on StatefulSets too
kubectl rollout status statefulset/web
kubectl rollout history statefulset/web
kubectl scale statefulset web --replicas=2
kubectl rollout status sts/web
kubectl get pods -l app=nginx
