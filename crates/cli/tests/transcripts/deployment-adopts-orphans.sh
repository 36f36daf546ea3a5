# A Deployment deleted with --cascade=orphan leaves its ReplicaSet and pods
# running, without an owner. A new Deployment whose selector matches adopts
# them (ControllerRefManager.ClaimReplicaSets): no new ReplicaSet, no new pods.
kubectl create deployment web --image=nginx:1.27 --replicas=2
kubectl rollout status deployment/web
kubectl get rs,pods
kubectl delete deployment web --cascade=orphan
kubectl get deployments
kubectl get rs,pods
kubectl describe rs web-766486c5b6
kubectl create deployment web --image=nginx:1.27 --replicas=2
kubectl rollout status deployment/web
kubectl get rs,pods
kubectl describe rs web-766486c5b6
kubectl rollout history deployment/web
# A ReplicaSet whose labels stop matching the selector is released (its
# pods stay, owned by it); the Deployment makes a new one, and as the name
# web-766486c5b6 is taken, it counts a hash collision and hashes again.
kubectl label rs web-766486c5b6 app=released --overwrite
sleep 5
kubectl get rs,pods --show-labels
kubectl wait deployment/web --for=jsonpath='{.status.collisionCount}'=1 --timeout=0
kubectl describe rs web-766486c5b6
