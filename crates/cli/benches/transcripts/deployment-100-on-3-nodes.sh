# Webernetes' benchmark shape: a 100-replica Deployment Ready on 3 nodes.
# Run: kubarium run crates/cli/benches/transcripts/deployment-100-on-3-nodes.sh --nodes 3
kubectl create deployment web --image=nginx:1.27 --replicas=100
kubectl rollout status deployment/web --timeout=10m
kubectl get deployment web
