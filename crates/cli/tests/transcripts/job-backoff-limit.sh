# A Job whose container always exits 1, with backoffLimit 2: each failed
# pod is replaced after an exponential back-off (10 s, then 20 s), and the
# third failure fails the Job with BackoffLimitExceeded.
kubectl apply -f - <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: fails
spec:
  backoffLimit: 2
  template:
    spec:
      containers:
      - name: main
        image: busybox:1.36
        command: ["sh", "-c", "echo trying; exit 1"]
      restartPolicy: Never
EOF
sleep 5
kubectl get pods
sleep 15
kubectl get pods
kubectl get jobs
sleep 60
kubectl get pods
kubectl get jobs
kubectl logs job/fails
kubectl describe job fails
kubectl get events --field-selector involvedObject.kind=Job
