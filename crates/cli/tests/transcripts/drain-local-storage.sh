# kubectl drain refuses to evict pods with an emptyDir volume (local
# storage, lost with the pod) unless --delete-emptydir-data is given; a pod
# with no controller also needs --force. Both filters run before any
# eviction, so a refused drain only cordons the node.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: cache
spec:
  replicas: 2
  selector:
    matchLabels:
      app: cache
  template:
    metadata:
      labels:
        app: cache
    spec:
      containers:
      - name: redis
        image: redis:7
        volumeMounts:
        - name: data
          mountPath: /data
      volumes:
      - name: data
        emptyDir: {}
---
apiVersion: v1
kind: Pod
metadata:
  name: scratch
spec:
  nodeSelector:
    kubernetes.io/hostname: node-1
  containers:
  - name: busybox
    image: busybox:1.36
    command: ["sleep", "3600"]
    volumeMounts:
    - name: tmp
      mountPath: /tmp
  volumes:
  - name: tmp
    emptyDir: {}
EOF
sleep 10
kubectl get pods -o wide
kubectl drain node-1 --ignore-daemonsets
kubectl get pods -o wide
kubectl drain node-1 --ignore-daemonsets --delete-emptydir-data
kubectl drain node-1 --ignore-daemonsets --delete-emptydir-data --force
sleep 5
kubectl get pods -o wide
kubectl get nodes
