# Bad input gets Kubernetes' own error, nothing is half-applied, and the
# cluster keeps working.
kubectl run MyPod --image=nginx
kubectl get foo
kubectl gett pods
kubectl get pods --foo
kubectl get pods -z
kubectl get pod missing
kubectl delete pod missing
kubectl run nginx
# An old API version and a kind this cluster does not serve.
kubectl apply -f - <<EOF
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: old
EOF
# Malformed YAML.
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: x
   labels: bad
EOF
# No kind, no apiVersion.
kubectl apply -f - <<EOF
metadata:
  name: nothing
EOF
# An unknown field and a wrong type.
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
  restartPolicy: Sometimes
EOF
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: wrongtype
spec:
  containers: nginx
EOF
# Missing required fields.
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: empty
spec:
  containers:
  - name: app
EOF
# Each document of a multi-document file is applied on its own.
kubectl apply -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: good
data:
  key: value
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: Bad_Name
data:
  key: value
EOF
# Duplicates and conflicts.
kubectl create configmap good --from-literal=a=b
kubectl create -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: good
EOF
kubectl create namespace team-a
kubectl create namespace team-a
kubectl run web --image=nginx -n nowhere
kubectl get configmaps
kubectl run still-works --image=nginx:1.27
sleep 10
kubectl get pods
