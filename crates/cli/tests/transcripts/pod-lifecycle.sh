# A pod's full creation flow: the API server stores it, the scheduler binds
# it, the kubelet pulls the image, creates and starts the container, and the
# pod becomes Ready.
kubectl get nodes
kubectl run nginx --image=nginx:1.27 --port=80
kubectl get pods
sleep 1
kubectl get pods -o wide
sleep 10
kubectl get pods -o wide
kubectl get events
kubectl describe pod nginx
kubectl logs nginx
kubectl get pod nginx -o yaml
kubectl exec nginx -- cat /etc/hostname
kubectl exec nginx -- ls /nothing
kubectl delete pod nginx
kubectl get pods
