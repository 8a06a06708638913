# Thin wrapper: the real build is CMake.  `make test` and `make run` each do all of
# their own set-up on a fresh Debian-family machine.

BUILD      ?= build
CMAKE_ARGS ?=
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages the build needs, and a header or program that proves each is there.
DEPS := cmake:/usr/bin/cmake gcc:/usr/bin/gcc make:/usr/bin/make pkg-config:/usr/bin/pkg-config \
        python3:/usr/bin/python3 \
        libuv1-dev:/usr/include/uv.h libyaml-dev:/usr/include/yaml.h \
        libzmq3-dev:/usr/include/zmq.h check:/usr/include/check.h \
        libxml2-dev:/usr/include/libxml2/libxml/HTMLparser.h libzip-dev:/usr/include/zip.h

.PHONY: all deps build test run bench clean format

all: build

deps:
	@missing=""; for d in $(DEPS); do pkg=$${d%%:*}; f=$${d#*:}; \
	  [ -e "$$f" ] || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) $(CMAKE_ARGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

run: build
	@mkdir -p drop var
	@echo "nianjiand: drop reports into $(CURDIR)/drop (results appear beside them)"
	@echo "follow events with:  $(BUILD)/daemon/nianjian events --config config/nianjian.dev.yaml"
	$(BUILD)/daemon/nianjiand -f -c config/nianjian.dev.yaml

bench: build
	bench/run.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)
