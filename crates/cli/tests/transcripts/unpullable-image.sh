# An image whose registry cannot be resolved (.example is reserved by RFC 2606):
# ErrImagePull, then ImagePullBackOff with growing back-off.
kubectl run nopull --image=registry.example/team/app:1.0
sleep 2
kubectl get pods
sleep 30
kubectl get pods
kubectl describe pod nopull
# A malformed reference never gets pulled at all.
kubectl run badref --image=Nginx
sleep 5
kubectl get pod badref
