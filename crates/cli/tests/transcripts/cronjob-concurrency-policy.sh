# concurrencyPolicy: a Job that runs 90 s on a schedule of every minute.
# Forbid skips a schedule while the previous Job runs (JobAlreadyActive) and
# starts the missed one as soon as the previous Job is done; Replace deletes
# the running Job and starts the new one; Allow (the default) overlaps, so
# its CronJob shows two active Jobs at once.
kubectl apply -f - <<EOF
apiVersion: batch/v1
kind: CronJob
metadata:
  name: forbid
spec:
  schedule: "*/1 * * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: slow
            image: busybox:1.36
            command: ["sh", "-c", "echo start; sleep 90; echo end"]
          restartPolicy: Never
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: replace
spec:
  schedule: "*/1 * * * *"
  concurrencyPolicy: Replace
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: slow
            image: busybox:1.36
            command: ["sh", "-c", "echo start; sleep 90; echo end"]
          restartPolicy: Never
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: allow
spec:
  schedule: "*/1 * * * *"
  concurrencyPolicy: Allow
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: slow
            image: busybox:1.36
            command: ["sh", "-c", "echo start; sleep 90; echo end"]
          restartPolicy: Never
EOF
sleep 2m
kubectl get cronjobs
kubectl get jobs
sleep 40
kubectl get cronjobs
kubectl get jobs
kubectl describe cronjob forbid
kubectl describe cronjob replace
kubectl describe cronjob allow
kubectl get pods
