# Operator actions from outside the API: kill a container's process (it
# exits with 137 and restarts per restartPolicy), add a machine, remove one.
kubectl run web --image=nginx:1.27
sleep 10
kubarium container kill web
sleep 1
kubectl get pods
sleep 2
kubectl get pods
kubectl describe pod web
kubarium container kill web -c nope
kubarium container kill ghost
kubarium node add --name node-3 --cpu 8 --memory 16Gi --labels disktype=ssd,zone=b
kubarium node add --name node-3
kubarium node add --name Bad_Name
kubarium node add --memory lots
sleep 5
kubectl get nodes --show-labels -l disktype=ssd
kubectl get nodes
kubectl get pods -A -o wide --field-selector spec.nodeName=node-2
kubarium node stop node-2
kubarium node stop node-2
kubarium node remove node-2
kubectl get nodes
kubectl get pods -A -o wide --field-selector spec.nodeName=node-2
# The pod garbage collector force-deletes them after a 40 s quarantine.
sleep 45
kubectl get pods -A -o wide --field-selector spec.nodeName=node-2
kubarium node start node-2
kubarium node reboot node-1
