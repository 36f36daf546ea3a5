# kubectl set resources changes the pod template's requests and limits,
# which starts a rollout like any other template change. Only the named
# resources are set; the others are kept.
kubectl create deployment web --image=nginx:1.27 --replicas=2
kubectl rollout status deployment/web
kubectl set resources deployment web -c=nginx --limits=cpu=200m,memory=512Mi --requests=cpu=100m
kubectl rollout status deployment/web
kubectl get rs
kubectl rollout history deployment/web
kubectl set resources deployment web --requests=memory=256Mi
kubectl rollout status deployment/web
kubectl describe deployment web
# Setting what is already set changes nothing: no patch, no output.
kubectl set resources deployment web -c=nginx --limits=cpu=200m
# Mistakes kubectl catches before sending anything.
kubectl set resources deployment web
kubectl set resources deployment web -c=nosuch --limits=cpu=200m
kubectl set resources deployment web --limits=cpu=abc
kubectl set resources deployment web --limits=cpu
# The API server rejects a request above its limit.
kubectl set resources deployment web --requests=cpu=300m
