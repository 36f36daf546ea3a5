# The Job example of the Kubernetes docs: perl computes 1000 digits of pi.
# The perl image is big (about 340 MB): pulling it takes a while.
kubectl apply -f - <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(1000)"]
      restartPolicy: Never
  backoffLimit: 4
EOF
kubectl get jobs
kubectl get pods
sleep 60
kubectl get jobs
kubectl get jobs -o wide
kubectl get pods --show-labels
kubectl logs job/pi
kubectl describe job pi
kubectl get job pi -o yaml
