# A pod's full creation flow: scheduling, image pull, start, ready.
kubectl get nodes
kubectl run nginx --image=nginx:1.27
kubectl get pods
sleep 10
kubectl get pods -o wide
kubectl get events
