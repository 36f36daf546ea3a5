# Jobs and CronJobs the API server or kubectl rejects, in their words.
kubectl apply -f - <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: always
spec:
  template:
    spec:
      containers:
      - name: main
        image: busybox:1.36
EOF
kubectl apply -f - <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: negative
spec:
  completions: -1
  parallelism: -2
  backoffLimit: -3
  template:
    spec:
      containers:
      - name: main
        image: busybox:1.36
      restartPolicy: Sometimes
EOF
kubectl apply -f - <<EOF
apiVersion: batch/v1
kind: CronJob
metadata:
  name: badschedule
spec:
  schedule: "61 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: main
            image: busybox:1.36
          restartPolicy: OnFailure
EOF
kubectl create cronjob tz --image=busybox --schedule="every minute"
kubectl apply -f - <<EOF
apiVersion: batch/v1
kind: CronJob
metadata:
  name: tz
spec:
  schedule: "0 9 * * *"
  timeZone: Mars/Olympus_Mons
  concurrencyPolicy: Sometimes
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: main
            image: busybox:1.36
          restartPolicy: OnFailure
EOF
kubectl create job
kubectl create job nothing
kubectl create job both --image=busybox --from=cronjob/x
kubectl create job orphan --from=cronjob/missing
kubectl create cronjob noschedule --image=busybox
kubectl create job x --image=busybox --dry-run=client -o yaml -- sh -c 'echo hi'
kubectl create cronjob c --image=busybox --schedule="*/5 * * * *" --dry-run=client -o yaml -- date
kubectl create job ok --image=busybox -- sh -c 'echo hi'
kubectl apply -f - <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: ok
spec:
  completions: 3
  template:
    spec:
      containers:
      - name: ok
        image: busybox
        command: ["sh", "-c", "echo hi"]
      restartPolicy: Never
EOF
