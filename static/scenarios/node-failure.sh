# A node loses power: after the node-monitor grace period it turns
# NotReady, and once its pods are evicted the ReplicaSet replaces them.
kubectl create deployment web --image=nginx:1.27 --replicas=4
sleep 20
kubectl get pods -o wide
kubarium node stop node-1
sleep 70
kubectl get nodes
