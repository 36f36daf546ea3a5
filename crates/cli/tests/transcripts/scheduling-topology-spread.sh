# PodTopologySpread with maxSkew 1 over kubernetes.io/hostname: the replicas
# alternate between the two workers. nodeTaintsPolicy: Honor leaves out the
# tainted control-plane node; with the default (Ignore) it would count as an
# empty domain and block every worker after one pod each.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: spread
spec:
  replicas: 4
  selector:
    matchLabels:
      app: spread
  template:
    metadata:
      labels:
        app: spread
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: kubernetes.io/hostname
        whenUnsatisfiable: DoNotSchedule
        nodeTaintsPolicy: Honor
        labelSelector:
          matchLabels:
            app: spread
      containers:
      - name: nginx
        image: nginx:1.27
EOF
sleep 10
kubectl get pods -o wide
# The same constraint with the default nodeTaintsPolicy (Ignore).
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: strict
spec:
  replicas: 3
  selector:
    matchLabels:
      app: strict
  template:
    metadata:
      labels:
        app: strict
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: kubernetes.io/hostname
        whenUnsatisfiable: DoNotSchedule
        labelSelector:
          matchLabels:
            app: strict
      containers:
      - name: nginx
        image: nginx:1.27
EOF
sleep 10
kubectl get pods -l app=strict -o wide
kubectl get events --field-selector reason=FailedScheduling
