# A Deployment of three nginx pods: the scheduler spreads them over the
# nodes, the kubelets pull the image and start the containers.
kubectl create deployment web --image=nginx:1.27 --replicas=3
sleep 20
kubectl get deployments
kubectl get pods -o wide
