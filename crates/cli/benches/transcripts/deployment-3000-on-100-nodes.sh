# Webernetes' benchmark shape: a 3000-replica Deployment Ready on 100 nodes.
# Run: kubarium run crates/cli/benches/transcripts/deployment-3000-on-100-nodes.sh --nodes 100
kubectl create deployment web --image=nginx:1.27 --replicas=3000
kubectl rollout status deployment/web --timeout=10m
kubectl get deployment web
