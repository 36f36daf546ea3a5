# kubectl patch changes a Deployment's image with each patch type: a
# strategic merge patch merges the containers list by name, a JSON merge
# patch replaces lists whole, a JSON patch edits by path and a failed
# `test` rejects the whole patch. kubectl wait advances virtual time until
# a condition holds, an object is gone, or the timeout passes.
kubectl create deployment web --image=nginx:1.26 --replicas=2
kubectl wait --for=condition=Available deployment/web
kubectl patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}'
kubectl rollout status deployment/web
kubectl patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}'
kubectl patch deployment/web --type merge -p '{"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}'
kubectl rollout status deployment/web
kubectl patch deployment web --type json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.29"}]'
kubectl rollout status deployment/web
kubectl get deployment web -o wide
kubectl patch deployment web --type json -p '[{"op":"replace","path":"/spec/replicas","value":5},{"op":"test","path":"/spec/replicas","value":4}]'
kubectl patch deployment web --type json -p '{"op":"remove"}'
kubectl patch deployment web -p 'spec: {replicas: -1}'
kubectl patch deployment web --type foo -p '{}'
kubectl patch deployment nope -p '{"spec":{}}'
kubectl get deployment web
kubectl wait --for=condition=Available deployment/web
kubectl wait --for=jsonpath='{.status.readyReplicas}'=3 deployment/web
# Pods by label; a deleted pod is waited away; a pod that never becomes
# Ready times out.
kubectl wait --for=condition=Ready pod -l app=web --timeout=60s
kubectl run x --image=busybox -- sleep 3600
kubectl wait --for=jsonpath='{.status.phase}'=Running pod/x
kubectl delete pod x --wait=false
kubectl wait --for=delete pod/x --timeout=60s
kubectl wait --for=delete pod/x
kubectl run stuck --image=does-not-exist:1
kubectl wait --for=condition=Ready pod/stuck --timeout=10s
kubectl wait --for=condition=Ready pod/ghost
kubectl wait pod/stuck
# Strategic merge by key: a sidecar is added next to nginx, then removed
# with `$patch: delete`; a cluster-scoped Node is patched too.
kubectl patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox","command":["sleep","3600"]}]}}}}'
kubectl rollout status deployment/web
kubectl get deployment web -o wide
kubectl patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}'
kubectl get deployment web -o wide
kubectl patch deployment web --type merge -p '{"metadata":{"labels":{"tier":"fe"}}}' --dry-run=client
kubectl patch node node-2 -p '{"spec":{"unschedulable":true}}'
kubectl get nodes
