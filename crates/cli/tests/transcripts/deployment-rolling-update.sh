# A Deployment rolls out nginx:1.26, is updated to nginx:1.27 (a rolling
# update: a new ReplicaSet grows while the old one shrinks, 25% surge and
# 25% unavailable), then is rolled back to revision 1, which becomes
# revision 3.
kubectl create deployment web --image=nginx:1.26 --replicas=3
kubectl rollout status deployment/web
kubectl get deploy,rs,pods
kubectl set image deployment/web nginx=nginx:1.27
kubectl annotate deployment/web kubernetes.io/change-cause="image updated to 1.27"
kubectl rollout status deployment/web
kubectl get rs -o wide
kubectl rollout history deployment/web
kubectl rollout history deployment/web --revision=2
kubectl rollout undo deployment/web --to-revision=1
kubectl rollout status deployment/web
kubectl rollout history deployment/web
kubectl get rs
kubectl rollout undo deployment/web --to-revision=3
kubectl rollout undo deployment/web --to-revision=7
kubectl describe deployment web
# Scaling: the precondition fails, then the one ReplicaSet is resized.
kubectl scale deployment web --replicas=5 --current-replicas=2
kubectl scale deployment web --replicas=5
kubectl rollout status deployment/web
kubectl get deploy web -o wide
# Pause, change, resume; restart sets the restartedAt annotation.
kubectl rollout pause deployment/web
kubectl rollout pause deployment/web
kubectl set env deployment/web MODE=blue
kubectl get rs
kubectl rollout undo deployment/web
kubectl rollout resume deployment/web
kubectl rollout status deployment/web
kubectl rollout restart deployment/web
kubectl rollout status deployment/web
kubectl rollout history deployment/web
kubectl get events --field-selector involvedObject.kind=Deployment
