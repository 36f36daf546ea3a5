# Webernetes' benchmark shape: a 1000-replica Deployment Ready on 30 nodes.
# Run: kubarium run crates/cli/benches/transcripts/deployment-1000-on-30-nodes.sh --nodes 30
kubectl create deployment web --image=nginx:1.27 --replicas=1000
kubectl rollout status deployment/web --timeout=10m
kubectl get deployment web
