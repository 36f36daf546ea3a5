# NodePorts: a hostPort (with its protocol and hostIP) can be bound by one
# pod per node. Two pods asking for TCP port 8080 land on the two workers;
# a third has nowhere to go and stays Pending with the scheduler's reason.
# The same port over UDP does not conflict. Deleting a holder frees the
# port and the Pending pod is scheduled.
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: web-1
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports:
    - containerPort: 80
      hostPort: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: web-2
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports:
    - containerPort: 80
      hostPort: 8080
EOF
sleep 5
kubectl get pods -o wide
# A specific hostIP still conflicts with a pod bound to 0.0.0.0.
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: web-3
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports:
    - containerPort: 80
      hostPort: 8080
      hostIP: 10.0.0.1
---
apiVersion: v1
kind: Pod
metadata:
  name: dns
spec:
  containers:
  - name: dns
    image: nginx:1.27
    ports:
    - containerPort: 53
      hostPort: 8080
      protocol: UDP
EOF
sleep 5
kubectl get pods -o wide
kubectl get events --field-selector reason=FailedScheduling
kubectl describe pod web-3
kubectl delete pod web-1
sleep 10
kubectl get pods -o wide
