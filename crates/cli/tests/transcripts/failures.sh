# Things that go wrong, as on a real cluster.
# A command that exits 1 with restartPolicy Never.
kubectl run fail --image=busybox --restart=Never -- sh -c 'echo boom; exit 1'
# A container that exits at once with restartPolicy Always: CrashLoopBackOff.
kubectl run crash --image=busybox
# An image that cannot be pulled.
kubectl run nopull --image=registry.example/app:1.0
sleep 40
kubectl get pods
kubectl logs fail
# Bad input.
kubectl run MyPod --image=nginx
kubectl get foo
kubectl gett pods
kubectl get pods --foo
kubectl get pod missing
kubectl apply -f - <<EOF
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: old
EOF
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: typo
spec:
  containers:
  - name: app
    image: nginx
    imagee: nginx
EOF
