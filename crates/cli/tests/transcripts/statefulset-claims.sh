# volumeClaimTemplates give each StatefulSet pod its own claim,
# <template>-<set>-<ordinal>. This cluster has no StorageClass and no
# provisioner yet, so the claims stay Pending and web-0 cannot be scheduled;
# with OrderedReady, web-1 is not created until web-0 is Ready.
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: ["ReadWriteOnce"]
      resources:
        requests:
          storage: 1Gi
EOF
sleep 10
kubectl get sts,pods,pvc
kubectl describe pvc www-web-0
kubectl get events --field-selector involvedObject.name=web-0
