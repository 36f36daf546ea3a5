# The everyday commands around objects: namespaces, configmaps, secrets,
# labels, annotations, contexts, discovery.
kubectl version
kubectl cluster-info
kubectl config current-context
kubectl config get-contexts
kubectl api-resources
kubectl get ns
kubectl create namespace dev
kubectl config set-context --current --namespace=dev
kubectl config get-contexts
kubectl create configmap app-config --from-literal=mode=debug --from-literal=level=3
kubectl create secret generic db --from-literal=password=s3cr3t
kubectl get cm,secret
kubectl describe configmap app-config
kubectl get secret db -o yaml
kubectl run web --image=httpd:2.4 --labels=app=web,tier=front
kubectl label pod web env=dev
kubectl label pod web env=prod
kubectl label pod web env=prod --overwrite
kubectl annotate pod web owner=team-a
kubectl get pods --show-labels
kubectl get pods -l 'env in (prod),tier=front' -o name
kubectl label pod web tier-
kubectl get pods -A -l app=web
kubectl get sa
kubectl config set-context --current --namespace=default
kubectl get pods
kubectl get pods -n dev
kubectl delete namespace dev
