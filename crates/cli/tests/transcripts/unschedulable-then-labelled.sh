# A pod whose nodeSelector matches no node stays Pending with a
# FailedScheduling event; labelling a node lets the scheduler place it.
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: gpu-job
spec:
  nodeSelector:
    disktype: ssd
  containers:
  - name: app
    image: nginx:1.27
EOF
sleep 5
kubectl get pods -o wide
kubectl describe pod gpu-job
kubectl label node node-2 disktype=ssd
sleep 10
kubectl get pods -o wide
kubectl get events --field-selector involvedObject.name=gpu-job
# Asking for more CPU than any node has.
kubectl run big --image=nginx:1.27 --dry-run=client -o yaml
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: big
spec:
  containers:
  - name: app
    image: nginx:1.27
    resources:
      requests:
        cpu: "8"
EOF
sleep 5
kubectl describe pod big
