# Three more Job features: Indexed completion (each pod gets its index),
# activeDeadlineSeconds (DeadlineExceeded) and ttlSecondsAfterFinished
# (the ttl-after-finished controller deletes the finished Job).
kubectl apply -f - <<'EOF'
apiVersion: batch/v1
kind: Job
metadata:
  name: indexed
spec:
  completions: 3
  parallelism: 3
  completionMode: Indexed
  template:
    spec:
      containers:
      - name: worker
        image: busybox:1.36
        command: ["sh", "-c", "echo processing item $JOB_COMPLETION_INDEX"]
      restartPolicy: Never
---
apiVersion: batch/v1
kind: Job
metadata:
  name: deadline
spec:
  activeDeadlineSeconds: 20
  template:
    spec:
      containers:
      - name: sleeper
        image: busybox:1.36
        command: ["sleep", "3600"]
      restartPolicy: Never
---
apiVersion: batch/v1
kind: Job
metadata:
  name: short-lived
spec:
  ttlSecondsAfterFinished: 30
  template:
    spec:
      containers:
      - name: hello
        image: busybox:1.36
        command: ["echo", "hello"]
      restartPolicy: Never
EOF
sleep 10
kubectl get jobs
kubectl get pods -l batch.kubernetes.io/job-name=indexed
kubectl get pods -l batch.kubernetes.io/job-completion-index=1 -o yaml
kubectl logs job/indexed
sleep 20
kubectl get jobs
kubectl describe job deadline
sleep 30
kubectl get jobs
kubectl get pods
