# The two commands a newcomer needs (see README.md):
#   make run    build, create the demo site on first run, serve http://127.0.0.1:8080
#   make test   build everything and run every test
# Both install the Debian packages they need first.

DATA        ?= .data
LISTEN      ?= 127.0.0.1:8080
JOBS        ?= $(shell nproc)
RELEASE_DIR := build/release
TEST_DIR    := build/test
ASAN_DIR    := build/asan

# ccache keys on paths relative to the checkout, so a fresh clone in another
# folder (as CI makes) still hits the cache.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

.PHONY: run test test-release test-sanitize build deps test-deps browser-deps clean format bench-comments bench-insight bench

run: deps build
	@if [ ! -f "$(DATA)/chancery.db" ]; then \
	  $(RELEASE_DIR)/src/app/chancery init --data "$(DATA)" --demo; \
	fi
	$(RELEASE_DIR)/src/app/chancery serve --data "$(DATA)" --listen "$(LISTEN)"

build:
	cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCHANCERY_BUILD_TESTS=OFF
	cmake --build $(RELEASE_DIR) -j $(JOBS) --target chancery

# Every test twice: an optimised build with warnings as errors, then an
# AddressSanitizer + UBSan build that turns memory errors into failures.
test: test-release test-sanitize

test-release: test-deps browser-deps
	cmake -S . -B $(TEST_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCHANCERY_WERROR=ON -DCHANCERY_BUILD_TESTS=ON
	cmake --build $(TEST_DIR) -j $(JOBS)
	cd $(TEST_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

test-sanitize: test-deps browser-deps
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1" -DCHANCERY_SANITIZE=ON -DCHANCERY_BUILD_TESTS=ON
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 900

deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

# playwright-core drives Debian's chromium; it downloads no browser.
browser-deps:
	@cd tests/browser && if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then npm ci --no-audit --no-fund; fi

# Benchmarks (bench/README.md): loopback only, bounded, a table at the end.
# All of issue 6's, in order, ending with one summary table (about 7 minutes).
bench: deps build
	bench/run.sh $(RELEASE_DIR)/src/app/chancery

bench-comments: deps build
	bench/comments/run.sh $(RELEASE_DIR)/src/app/chancery

# Sentences and MB analysed per second per core, beside ICU segmentation alone.
bench-insight: deps
	bench/insight/run.sh

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h')

clean:
	rm -rf build
