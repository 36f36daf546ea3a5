# completions 5, parallelism 2: two pods at a time until five succeeded.
kubectl apply -f - <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: batch
spec:
  completions: 5
  parallelism: 2
  template:
    spec:
      containers:
      - name: work
        image: busybox:1.36
        command: ["sh", "-c", "echo working; sleep 5; echo done"]
      restartPolicy: Never
EOF
sleep 3
kubectl get jobs
kubectl get pods
sleep 8
kubectl get jobs
kubectl get pods
sleep 30
kubectl get jobs
kubectl get pods
kubectl describe job batch
kubectl delete job batch
kubectl get pods
