# A container that exits at once: the kubelet restarts it with a growing
# back-off (CrashLoopBackOff).
kubectl apply -f - <<EOF2
apiVersion: v1
kind: Pod
metadata:
  name: crasher
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ["sh", "-c", "echo starting; exit 1"]
EOF2
sleep 40
kubectl get pods
