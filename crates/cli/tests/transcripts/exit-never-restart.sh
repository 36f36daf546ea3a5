# restartPolicy Never: a command that fails leaves the pod in Error, and one
# that succeeds leaves it Completed; neither is restarted.
kubectl run fail --image=busybox:1.36 --restart=Never -- sh -c 'echo boom; exit 1'
kubectl run ok --image=busybox:1.36 --restart=Never -- sh -c 'echo fine'
# A container that exits at once with restartPolicy Always crash-loops.
kubectl run crash --image=busybox:1.36
sleep 45
kubectl get pods
kubectl logs fail
kubectl logs crash --previous
kubectl describe pod fail
