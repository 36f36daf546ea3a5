# Init containers run in order, each to completion, before the app starts.
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: myapp
spec:
  initContainers:
  - name: init-setup
    image: busybox:1.36
    command: ['sh', '-c', 'echo preparing; sleep 5; echo done']
  - name: init-wait
    image: busybox:1.36
    command: ['sh', '-c', 'for i in 1 2 3; do echo "waiting $i"; sleep 2; done']
  containers:
  - name: app
    image: busybox:1.36
    command: ['sh', '-c', 'echo The app is running! && sleep 3600']
EOF
sleep 3
kubectl get pod myapp
sleep 6
kubectl get pod myapp
sleep 10
kubectl get pod myapp
kubectl logs myapp -c init-setup
kubectl logs myapp -c init-wait
kubectl logs myapp
