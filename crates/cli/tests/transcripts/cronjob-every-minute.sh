# The docs' CronJob: every minute a Job prints the date and a greeting.
# Jobs are named <cronjob>-<scheduled time in minutes since the epoch>.
kubectl apply -f - <<EOF
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
EOF
kubectl get cronjob hello
sleep 65
kubectl get cronjobs
kubectl get jobs
kubectl get pods
sleep 3m
kubectl get cronjobs -o wide
kubectl get jobs
kubectl logs job/hello-29016548
kubectl describe cronjob hello
kubectl create job manual --from=cronjob/hello
sleep 5
kubectl get jobs
kubectl get job manual -o yaml
kubectl delete cronjob hello
kubectl get jobs
