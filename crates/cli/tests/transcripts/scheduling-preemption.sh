# A full cluster: four low-priority replicas take 1500m CPU each on the two
# 4-CPU workers. A high-priority pod asking for 2 CPUs fits nowhere, so the
# scheduler preempts one low-priority pod, nominates its node, and binds the
# high-priority pod there once the victim is gone. The ReplicaSet's
# replacement then waits: it has the lowest priority.
kubectl create priorityclass low --value=100 --description="batch work"
kubectl create priorityclass high --value=1000000 --preemption-policy=PreemptLowerPriority
kubectl get priorityclass
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: batch
spec:
  replicas: 4
  selector:
    matchLabels:
      app: batch
  template:
    metadata:
      labels:
        app: batch
    spec:
      priorityClassName: low
      containers:
      - name: work
        image: nginx:1.27
        resources:
          requests:
            cpu: 1500m
EOF
sleep 10
kubectl get pods -o wide
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: urgent
spec:
  priorityClassName: high
  containers:
  - name: app
    image: nginx:1.27
    resources:
      requests:
        cpu: "2"
EOF
kubectl get pods -o wide
sleep 10
kubectl get pods -o wide
kubectl get events --field-selector reason=Preempted
kubectl get events --field-selector involvedObject.name=urgent
kubectl get events --field-selector involvedObject.name=batch-kgtsg
