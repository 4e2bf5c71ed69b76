# coursepack in a container: one way in on any system with Docker or Podman (docs/install.md).
#
#   docker build -t coursepack .
#   docker run --rm -v "$PWD:/course" coursepack build     # in the folder that holds course/
#
# The Debian packages are exactly those of the install command in README.md and
# docs/install.md (tests/test_install.py checks that the lists agree).
FROM debian:bookworm-slim

ENV DEBIAN_FRONTEND=noninteractive \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN apt-get update \
 && apt-get install -y --no-install-recommends python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md /src/
COPY builders /src/builders
COPY templates /src/templates
RUN python3 -m venv /opt/coursepack \
 && /opt/coursepack/bin/pip install /src \
 && rm -rf /src

ENV PATH=/opt/coursepack/bin:$PATH
WORKDIR /course
ENTRYPOINT ["coursepack"]
CMD ["--help"]
