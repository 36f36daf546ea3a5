# kubectl top: CPU and memory come from the simulated containers.
kubectl create deployment web --image=nginx --replicas=2
kubectl run burner --image=busybox -- sh -c 'while true; do :; done'
kubectl top pods
sleep 30
kubectl top pods
kubectl top pod burner --containers
kubectl top pods -A --sort-by=cpu
kubectl top nodes
kubectl top pod missing
kubectl top pods --sort-by=name
kubectl top pods -l app=web --sum
kubectl top pods -n kube-system --sort-by=memory --no-headers
# A stopped node's kubelet reports nothing.
kubarium node stop node-1
kubectl top nodes
kubectl top node node-1
