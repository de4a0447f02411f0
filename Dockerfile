# One image for web, worker and lab (docker-compose.yml picks the command).
# The worker and the lab need privileges (loop devices, mounts, chroot,
# namespaces); the web app does not.
FROM node:20-bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openssh-server openssh-client rsync qemu-utils fdisk e2fsprogs util-linux iproute2 \
      zstd xz-utils busybox-static debootstrap ca-certificates postgresql-client redis-tools \
      xorriso isolinux syslinux-common kmod cpio qemu-system-x86 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci && npm run build -w @vzferry/web
ENV NODE_ENV=production
