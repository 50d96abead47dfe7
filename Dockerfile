# syntax=docker/dockerfile:1
# The image runs the TypeScript sources through tsx (a runtime dependency), so the only build output is
# node_modules: the deps stage installs production dependencies only, and the final stage copies them without npm's
# cache or dev dependencies. Node 24 LTS is the tested runtime (22.12+ supported, see engines in package.json).
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
# The official image's unprivileged `node` user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000
# /healthz answers 200 while Redis and the queue are reachable: web and start serve it on PORT (3000), a worker on
# EKS_ACCESS_WORKER_PORT (3001); whichever answers counts.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "Promise.any([process.env.PORT||3000,process.env.EKS_ACCESS_WORKER_PORT||3001].map(p=>fetch('http://127.0.0.1:'+p+'/healthz').then(r=>{if(!r.ok)throw r.status}))).then(()=>process.exit(0),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/eks-access.js"]
CMD ["start"]
