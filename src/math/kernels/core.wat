;; transformer-lab's WebAssembly core: every number it computes on large matrices.
;; Hand-written WebAssembly text, assembled at build time by wabt (scripts/build.mjs) and embedded
;; in the bundle; loaded by core.ts. All pointers are byte offsets into the one shared memory in
;; which the matrices live (heap.ts), so nothing is copied in or out. Rows are row-major f64.
;;
;; V8 cannot tier up a WebAssembly call that is already running, only the next call: every hot
;; loop here sits in a small function that the driver (core.ts) calls many times.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; ── Matrix product: C += A·B on packed panels (driver: matmul in core.ts) ─────────────────
  ;; A is packed into panels of 4 rows and B into panels of 4 columns, each p-major over a depth
  ;; of kc: panel[p·4 + r]. One 4×4 tile of C is 8 f64x2 accumulators; at each p it takes the
  ;; four a's (each splat into both lanes) times the four b's (two vectors): 16 multiply-adds.
  ;; Each element is accumulated in order of p, one multiply and one add at a time, so a product
  ;; computes the same bits however its columns are shared between threads.

  ;; C[0:4, 0:4] += Ap·Bp over kc; ldc is the row stride of C in bytes.
  (func $tile (param $ap i32) (param $bp i32) (param $kc i32) (param $c i32) (param $ldc i32)
    (local $end i32) (local $a v128) (local $bl v128) (local $bh v128)
    (local $c0l v128) (local $c0h v128) (local $c1l v128) (local $c1h v128)
    (local $c2l v128) (local $c2h v128) (local $c3l v128) (local $c3h v128)
    (local.set $end (i32.add (local.get $bp) (i32.shl (local.get $kc) (i32.const 5))))
    (loop $p
      (local.set $bl (v128.load (local.get $bp)))
      (local.set $bh (v128.load offset=16 (local.get $bp)))
      (local.set $a (v128.load64_splat (local.get $ap)))
      (local.set $c0l (f64x2.add (local.get $c0l) (f64x2.mul (local.get $a) (local.get $bl))))
      (local.set $c0h (f64x2.add (local.get $c0h) (f64x2.mul (local.get $a) (local.get $bh))))
      (local.set $a (v128.load64_splat offset=8 (local.get $ap)))
      (local.set $c1l (f64x2.add (local.get $c1l) (f64x2.mul (local.get $a) (local.get $bl))))
      (local.set $c1h (f64x2.add (local.get $c1h) (f64x2.mul (local.get $a) (local.get $bh))))
      (local.set $a (v128.load64_splat offset=16 (local.get $ap)))
      (local.set $c2l (f64x2.add (local.get $c2l) (f64x2.mul (local.get $a) (local.get $bl))))
      (local.set $c2h (f64x2.add (local.get $c2h) (f64x2.mul (local.get $a) (local.get $bh))))
      (local.set $a (v128.load64_splat offset=24 (local.get $ap)))
      (local.set $c3l (f64x2.add (local.get $c3l) (f64x2.mul (local.get $a) (local.get $bl))))
      (local.set $c3h (f64x2.add (local.get $c3h) (f64x2.mul (local.get $a) (local.get $bh))))
      (local.set $ap (i32.add (local.get $ap) (i32.const 32)))
      (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
      (br_if $p (i32.lt_u (local.get $bp) (local.get $end))))
    (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c0l)))
    (v128.store offset=16 (local.get $c)
      (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c0h)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c1l)))
    (v128.store offset=16 (local.get $c)
      (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c1h)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c2l)))
    (v128.store offset=16 (local.get $c)
      (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c2h)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c3l)))
    (v128.store offset=16 (local.get $c)
      (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c3h))))

  ;; The same tile clipped to rows × cols (an edge of C): the sums go through 16 doubles at tmp.
  (func $tile_part (param $ap i32) (param $bp i32) (param $kc i32) (param $c i32) (param $ldc i32)
                   (param $rows i32) (param $cols i32) (param $tmp i32)
    (local $r i32) (local $s i32) (local $at i32)
    (v128.store (local.get $tmp) (v128.const i64x2 0 0))
    (v128.store offset=16 (local.get $tmp) (v128.const i64x2 0 0))
    (v128.store offset=32 (local.get $tmp) (v128.const i64x2 0 0))
    (v128.store offset=48 (local.get $tmp) (v128.const i64x2 0 0))
    (v128.store offset=64 (local.get $tmp) (v128.const i64x2 0 0))
    (v128.store offset=80 (local.get $tmp) (v128.const i64x2 0 0))
    (v128.store offset=96 (local.get $tmp) (v128.const i64x2 0 0))
    (v128.store offset=112 (local.get $tmp) (v128.const i64x2 0 0))
    (call $tile (local.get $ap) (local.get $bp) (local.get $kc) (local.get $tmp) (i32.const 32))
    (loop $row
      (local.set $s (i32.const 0))
      (loop $col
        (local.set $at (i32.add (local.get $c) (i32.shl (local.get $s) (i32.const 3))))
        (f64.store (local.get $at)
          (f64.add (f64.load (local.get $at))
            (f64.load (i32.add (local.get $tmp)
              (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 2)) (local.get $s)) (i32.const 3))))))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br_if $col (i32.lt_u (local.get $s) (local.get $cols))))
      (local.set $c (i32.add (local.get $c) (local.get $ldc)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; One column panel of C (cols ≤ 4 wide) over all `panels` row panels of Ap; the last row panel
  ;; has lastRows rows. c points at C[0, j], ldc is C's row stride in bytes.
  (func (export "gemm_panel") (param $ap i32) (param $bp i32) (param $kc i32) (param $c i32)
        (param $ldc i32) (param $panels i32) (param $lastRows i32) (param $cols i32) (param $tmp i32)
    (local $ib i32) (local $rows i32) (local $step i32)
    (local.set $step (i32.shl (local.get $kc) (i32.const 5)))
    (loop $panel
      (local.set $rows (select (local.get $lastRows) (i32.const 4)
        (i32.eq (local.get $ib) (i32.sub (local.get $panels) (i32.const 1)))))
      (if (i32.and (i32.eq (local.get $rows) (i32.const 4)) (i32.eq (local.get $cols) (i32.const 4)))
        (then (call $tile (local.get $ap) (local.get $bp) (local.get $kc) (local.get $c) (local.get $ldc)))
        (else (call $tile_part (local.get $ap) (local.get $bp) (local.get $kc) (local.get $c)
                (local.get $ldc) (local.get $rows) (local.get $cols) (local.get $tmp))))
      (local.set $ap (i32.add (local.get $ap) (local.get $step)))
      (local.set $c (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 2))))
      (local.set $ib (i32.add (local.get $ib) (i32.const 1)))
      (br_if $panel (i32.lt_u (local.get $ib) (local.get $panels)))))

  ;; `rows` rows of a row-major matrix (src at [i, p0], row stride ld bytes), kc deep, into one
  ;; panel of 4 p-major: dst[p·4 + r]; rows r ≥ rows are zero. A's row panels are packed so, and
  ;; so are B's column panels when the product is A·Bᵀ (B's rows are then the columns).
  (func $pack_rows4 (param $src i32) (param $ld i32) (param $rows i32) (param $kc i32) (param $dst i32)
    (local $r i32) (local $p i32) (local $s i32) (local $d i32)
    (if (i32.lt_u (local.get $rows) (i32.const 4))
      (then (memory.fill (local.get $dst) (i32.const 0) (i32.shl (local.get $kc) (i32.const 5)))))
    (loop $row
      (local.set $s (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $ld))))
      (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 3))))
      (local.set $p (i32.const 0))
      (loop $col
        (f64.store (local.get $d) (f64.load (local.get $s)))
        (local.set $s (i32.add (local.get $s) (i32.const 8)))
        (local.set $d (i32.add (local.get $d) (i32.const 32)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $col (i32.lt_u (local.get $p) (local.get $kc))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; kc rows of B (src at [p0, j], row stride ld bytes), `cols` ≤ 4 wide, into one panel of 4
  ;; columns: dst[p·4 + s]; columns s ≥ cols are zero.
  (func $pack_cols4 (param $src i32) (param $ld i32) (param $cols i32) (param $kc i32) (param $dst i32)
    (local $end i32) (local $s i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $kc) (i32.const 5))))
    (if (i32.eq (local.get $cols) (i32.const 4))
      (then
        (loop $p
          (v128.store (local.get $dst) (v128.load (local.get $src)))
          (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
          (local.set $src (i32.add (local.get $src) (local.get $ld)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
          (br_if $p (i32.lt_u (local.get $dst) (local.get $end)))))
      (else
        (memory.fill (local.get $dst) (i32.const 0) (i32.shl (local.get $kc) (i32.const 5)))
        (loop $p
          (local.set $s (i32.const 0))
          (loop $col
            (f64.store (i32.add (local.get $dst) (i32.shl (local.get $s) (i32.const 3)))
              (f64.load (i32.add (local.get $src) (i32.shl (local.get $s) (i32.const 3)))))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br_if $col (i32.lt_u (local.get $s) (local.get $cols))))
          (local.set $src (i32.add (local.get $src) (local.get $ld)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
          (br_if $p (i32.lt_u (local.get $dst) (local.get $end)))))))

  ;; `rows` rows (src at [i0, p0], stride ld bytes) into ⌈rows/4⌉ panels of 4 rows × kc at dst.
  (func (export "pack_rows") (param $src i32) (param $ld i32) (param $rows i32) (param $kc i32) (param $dst i32)
    (loop $panel
      (call $pack_rows4 (local.get $src) (local.get $ld)
        (select (local.get $rows) (i32.const 4) (i32.lt_u (local.get $rows) (i32.const 4)))
        (local.get $kc) (local.get $dst))
      (local.set $src (i32.add (local.get $src) (i32.shl (local.get $ld) (i32.const 2))))
      (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $kc) (i32.const 5))))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 4)))
      (br_if $panel (i32.gt_s (local.get $rows) (i32.const 0)))))

  ;; `cols` columns (src at [p0, j0], stride ld bytes) into ⌈cols/4⌉ panels of 4 columns × kc.
  (func (export "pack_cols") (param $src i32) (param $ld i32) (param $cols i32) (param $kc i32) (param $dst i32)
    (loop $panel
      (call $pack_cols4 (local.get $src) (local.get $ld)
        (select (local.get $cols) (i32.const 4) (i32.lt_u (local.get $cols) (i32.const 4)))
        (local.get $kc) (local.get $dst))
      (local.set $src (i32.add (local.get $src) (i32.const 32)))
      (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $kc) (i32.const 5))))
      (local.set $cols (i32.sub (local.get $cols) (i32.const 4)))
      (br_if $panel (i32.gt_s (local.get $cols) (i32.const 0)))))

  ;; ── Element-wise steps, n values at a time (the driver calls them a row or a chunk at a time) ──
  ;; Each takes pairs of lanes with f64x2, then the odd last value alone.

  ;; dst = src / s (a division, as numpy's `/` rounds: not a product by 1/s).
  (func (export "divide") (param $src i32) (param $dst i32) (param $n i32) (param $s f64)
    (local $end i32) (local $sv v128)
    (local.set $sv (f64x2.splat (local.get $s)))
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (v128.store (local.get $dst) (f64x2.div (v128.load (local.get $src)) (local.get $sv)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $pair)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then (f64.store (local.get $dst) (f64.div (f64.load (local.get $src)) (local.get $s))))))

  ;; dst = a + b.
  (func (export "add") (param $a i32) (param $b i32) (param $dst i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (v128.store (local.get $dst) (f64x2.add (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $pair)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then (f64.store (local.get $dst) (f64.add (f64.load (local.get $a)) (f64.load (local.get $b)))))))

  ;; dst = max(0, src), as Math.max(0, x): NaN stays NaN, −0 becomes +0.
  (func (export "relu") (param $src i32) (param $dst i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (v128.store (local.get $dst) (f64x2.max (v128.load (local.get $src)) (v128.const f64x2 0 0)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $pair)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then (f64.store (local.get $dst) (f64.max (f64.load (local.get $src)) (f64.const 0))))))

  ;; exp(x) in both lanes, for x ≤ 0 (softmax's shifted scores; −∞ gives exactly 0):
  ;; x = k·ln2 + r with k = round(x/ln2), |r| ≤ ln2/2 (ln2 split in two so that k·ln2hi is
  ;; exact); eʳ by its Taylor series to r¹³/13! (truncation < 1e-17 relative), Horner's rule;
  ;; then ·2ᵏ as 2^⌊k/2⌋·2^(k−⌊k/2⌋), so that subnormal results come out right too.
  (func $exp (param $x v128) (result v128)
    (local $k v128) (local $r v128) (local $p v128) (local $ki v128) (local $k1 v128)
    (local.set $x (f64x2.pmax (local.get $x) (v128.const f64x2 -1100 -1100)))
    (local.set $k (f64x2.nearest (f64x2.mul (local.get $x)
      (v128.const f64x2 1.4426950408889634 1.4426950408889634))))
    (local.set $r (f64x2.sub
      (f64x2.sub (local.get $x) (f64x2.mul (local.get $k)
        (v128.const f64x2 0x1.62e42feep-1 0x1.62e42feep-1)))
      (f64x2.mul (local.get $k)
        (v128.const f64x2 0x1.a39ef35793c76p-33 0x1.a39ef35793c76p-33))))
    (local.set $p (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r))
      (v128.const f64x2 2.08767569878681e-9 2.08767569878681e-9)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r))
      (v128.const f64x2 2.505210838544172e-8 2.505210838544172e-8)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r))
      (v128.const f64x2 2.755731922398589e-7 2.755731922398589e-7)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r))
      (v128.const f64x2 0.0000027557319223985893 0.0000027557319223985893)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r))
      (v128.const f64x2 0.0000248015873015873 0.0000248015873015873)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r))
      (v128.const f64x2 0.0001984126984126984 0.0001984126984126984)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r))
      (v128.const f64x2 0.001388888888888889 0.001388888888888889)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r))
      (v128.const f64x2 0.008333333333333333 0.008333333333333333)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r))
      (v128.const f64x2 0.041666666666666664 0.041666666666666664)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r))
      (v128.const f64x2 0.16666666666666666 0.16666666666666666)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r))
      (v128.const f64x2 0.5 0.5)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r))
      (v128.const f64x2 1 1)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r))
      (v128.const f64x2 1 1)))
    ;; k as two i32 lanes, halved; each half becomes the bits of a power of two, (h + 1023) << 52
    (local.set $ki (i32x4.trunc_sat_f64x2_s_zero (local.get $k)))
    (local.set $k1 (i32x4.shr_s (local.get $ki) (i32.const 1)))
    (local.set $p (f64x2.mul (local.get $p)
      (i64x2.shl (i64x2.add (i64x2.extend_low_i32x4_s (local.get $k1)) (v128.const i64x2 1023 1023))
        (i32.const 52))))
    (f64x2.mul (local.get $p)
      (i64x2.shl (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.sub (local.get $ki) (local.get $k1)))
          (v128.const i64x2 1023 1023))
        (i32.const 52))))

  ;; softmax of one row of n values (src → dst, which may be the same):
  ;; dst = exp(x − max) / Σ exp(x − max).
  (func (export "softmax_row") (param $src i32) (param $dst i32) (param $n i32)
    (local $i i32) (local $pairs i32) (local $mv v128) (local $max f64) (local $sum v128)
    (local $e v128) (local $total f64) (local $last f64)
    (local.set $pairs (i32.shl (i32.shr_u (local.get $n) (i32.const 1)) (i32.const 4)))
    (local.set $mv (v128.const f64x2 -inf -inf))
    (block $done (loop $m
      (br_if $done (i32.ge_u (local.get $i) (local.get $pairs)))
      (local.set $mv (f64x2.pmax (local.get $mv) (v128.load (i32.add (local.get $src) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $m)))
    (local.set $max (f64.max (f64x2.extract_lane 0 (local.get $mv)) (f64x2.extract_lane 1 (local.get $mv))))
    (if (i32.and (local.get $n) (i32.const 1))
      (then (local.set $max (f64.max (local.get $max) (f64.load (i32.add (local.get $src) (local.get $pairs)))))))
    (local.set $mv (f64x2.splat (local.get $max)))
    (local.set $i (i32.const 0))
    (block $done (loop $e
      (br_if $done (i32.ge_u (local.get $i) (local.get $pairs)))
      (local.set $e (call $exp (f64x2.sub (v128.load (i32.add (local.get $src) (local.get $i))) (local.get $mv))))
      (v128.store (i32.add (local.get $dst) (local.get $i)) (local.get $e))
      (local.set $sum (f64x2.add (local.get $sum) (local.get $e)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $e)))
    (local.set $total (f64.add (f64x2.extract_lane 0 (local.get $sum)) (f64x2.extract_lane 1 (local.get $sum))))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $last (f64x2.extract_lane 0 (call $exp (f64x2.splat
          (f64.sub (f64.load (i32.add (local.get $src) (local.get $pairs))) (local.get $max))))))
        (f64.store (i32.add (local.get $dst) (local.get $pairs)) (f64.div (local.get $last) (local.get $total)))
        (local.set $total (f64.add (local.get $total) (local.get $last)))
        (f64.store (i32.add (local.get $dst) (local.get $pairs)) (f64.div (local.get $last) (local.get $total)))))
    (local.set $mv (f64x2.splat (local.get $total)))
    (local.set $i (i32.const 0))
    (block $done (loop $d
      (br_if $done (i32.ge_u (local.get $i) (local.get $pairs)))
      (v128.store (i32.add (local.get $dst) (local.get $i))
        (f64x2.div (v128.load (i32.add (local.get $dst) (local.get $i))) (local.get $mv)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $d))))

  ;; layer_norm of one row of n values (src → dst): (x − mean) / √(var + eps), the population
  ;; variance, no gain or bias.
  (func (export "layer_norm_row") (param $src i32) (param $dst i32) (param $n i32) (param $eps f64)
    (local $i i32) (local $pairs i32) (local $acc v128) (local $x v128) (local $mean f64)
    (local $var f64) (local $mv v128) (local $sd v128) (local $t f64)
    (local.set $pairs (i32.shl (i32.shr_u (local.get $n) (i32.const 1)) (i32.const 4)))
    (block $done (loop $s
      (br_if $done (i32.ge_u (local.get $i) (local.get $pairs)))
      (local.set $acc (f64x2.add (local.get $acc) (v128.load (i32.add (local.get $src) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $s)))
    (local.set $mean (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
    (if (i32.and (local.get $n) (i32.const 1))
      (then (local.set $mean (f64.add (local.get $mean) (f64.load (i32.add (local.get $src) (local.get $pairs)))))))
    (local.set $mean (f64.div (local.get $mean) (f64.convert_i32_u (local.get $n))))
    (local.set $mv (f64x2.splat (local.get $mean)))
    (local.set $acc (v128.const i64x2 0 0))
    (local.set $i (i32.const 0))
    (block $done (loop $v
      (br_if $done (i32.ge_u (local.get $i) (local.get $pairs)))
      (local.set $x (f64x2.sub (v128.load (i32.add (local.get $src) (local.get $i))) (local.get $mv)))
      (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $x) (local.get $x))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $v)))
    (local.set $var (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $t (f64.sub (f64.load (i32.add (local.get $src) (local.get $pairs))) (local.get $mean)))
        (local.set $var (f64.add (local.get $var) (f64.mul (local.get $t) (local.get $t))))))
    (local.set $var (f64.div (local.get $var) (f64.convert_i32_u (local.get $n))))
    (local.set $sd (f64x2.splat (f64.sqrt (f64.add (local.get $var) (local.get $eps)))))
    (local.set $i (i32.const 0))
    (block $done (loop $o
      (br_if $done (i32.ge_u (local.get $i) (local.get $pairs)))
      (v128.store (i32.add (local.get $dst) (local.get $i))
        (f64x2.div (f64x2.sub (v128.load (i32.add (local.get $src) (local.get $i))) (local.get $mv)) (local.get $sd)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $o)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then (f64.store (i32.add (local.get $dst) (local.get $pairs))
        (f64.div (f64.sub (f64.load (i32.add (local.get $src) (local.get $pairs))) (local.get $mean))
          (f64x2.extract_lane 0 (local.get $sd)))))))

  ;; ── numpy's generator: MT19937 as numpy's legacy RandomState runs it, and the polar method ──
  ;; A generator at st: 624 state words, then 624 tempered words (the outputs of the last twist),
  ;; then the index of the next tempered word (st + 4992). Seeding stays in JS (rng/mt19937.ts).

  ;; The twist (Matsumoto & Nishimura's genrand, N = 624, M = 397): word k from words k, k+1 and
  ;; k+M (mod N; already new where they wrap), four words at a time with i32x4: a step reads
  ;; words k+1 … k+4 before it writes k … k+3, and word k+M lies 227 or more words away, so the
  ;; lanes compute what one word at a time would. Then all 624 are tempered into the tempered
  ;; words, and the index goes back to 0.
  (func $refill (param $st i32)
    (local $k i32) (local $y v128) (local $at i32)
    (loop $low ;; words 0 … 223: word k + M is still the old one
      (local.set $at (i32.add (local.get $st) (local.get $k)))
      (v128.store (local.get $at) (call $twist4 (local.get $at) (v128.load offset=1588 (local.get $at))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br_if $low (i32.lt_u (local.get $k) (i32.const 896))))
    (loop $mid ;; words 224 … 226 one at a time: their k + M straddles the end
      (call $twist1 (local.get $st) (local.get $k) (i32.add (local.get $k) (i32.const 1588)))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br_if $mid (i32.lt_u (local.get $k) (i32.const 908))))
    (loop $high ;; words 227 … 622: word k + M − N is already new
      (local.set $at (i32.add (local.get $st) (local.get $k)))
      (v128.store (local.get $at) (call $twist4 (local.get $at) (v128.load (i32.sub (local.get $at) (i32.const 908)))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br_if $high (i32.lt_u (local.get $k) (i32.const 2492))))
    (call $twist1 (local.get $st) (i32.const 2492) (i32.const 1584)) ;; word 623, with word 0 new
    (local.set $k (i32.const 0))
    (loop $temper
      (local.set $at (i32.add (local.get $st) (local.get $k)))
      (local.set $y (v128.load (local.get $at)))
      (local.set $y (v128.xor (local.get $y) (i32x4.shr_u (local.get $y) (i32.const 11))))
      (local.set $y (v128.xor (local.get $y)
        (v128.and (i32x4.shl (local.get $y) (i32.const 7)) (v128.const i32x4 0x9d2c5680 0x9d2c5680 0x9d2c5680 0x9d2c5680))))
      (local.set $y (v128.xor (local.get $y)
        (v128.and (i32x4.shl (local.get $y) (i32.const 15)) (v128.const i32x4 0xefc60000 0xefc60000 0xefc60000 0xefc60000))))
      (v128.store offset=2496 (local.get $at)
        (v128.xor (local.get $y) (i32x4.shr_u (local.get $y) (i32.const 18))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br_if $temper (i32.lt_u (local.get $k) (i32.const 2496))))
    (i32.store offset=4992 (local.get $st) (i32.const 0)))

  ;; Four new words from words k … k+3 and k+1 … k+4 at `at`, and the four words M on (`far`).
  (func $twist4 (param $at i32) (param $far v128) (result v128)
    (local $y v128)
    (local.set $y (v128.or
      (v128.and (v128.load (local.get $at)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
      (v128.and (v128.load offset=4 (local.get $at)) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))))
    (v128.xor
      (v128.xor (local.get $far) (i32x4.shr_u (local.get $y) (i32.const 1)))
      (v128.and
        (i32x4.sub (v128.const i32x4 0 0 0 0) (v128.and (local.get $y) (v128.const i32x4 1 1 1 1)))
        (v128.const i32x4 0x9908b0df 0x9908b0df 0x9908b0df 0x9908b0df))))

  ;; One new word k (byte offset), from words k, k+1 (mod N) and the word at byte offset km.
  (func $twist1 (param $st i32) (param $k i32) (param $km i32)
    (local $y i32)
    (local.set $y (i32.or
      (i32.and (i32.load (i32.add (local.get $st) (local.get $k))) (i32.const 0x80000000))
      (i32.and (i32.load (i32.add (local.get $st) (i32.rem_u (i32.add (local.get $k) (i32.const 4)) (i32.const 2496))))
        (i32.const 0x7fffffff))))
    (i32.store (i32.add (local.get $st) (local.get $k))
      (i32.xor
        (i32.xor (i32.load (i32.add (local.get $st) (local.get $km))) (i32.shr_u (local.get $y) (i32.const 1)))
        (i32.and (i32.sub (i32.const 0) (i32.and (local.get $y) (i32.const 1))) (i32.const 0x9908b0df)))))

  ;; genrand_int32: the next tempered word (a refill when all 624 are used).
  (func $next_word (param $st i32) (result i32)
    (local $i i32)
    (local.set $i (i32.load offset=4992 (local.get $st)))
    (if (i32.ge_u (local.get $i) (i32.const 624))
      (then (call $refill (local.get $st)) (local.set $i (i32.const 0))))
    (i32.store offset=4992 (local.get $st) (i32.add (local.get $i) (i32.const 1)))
    (i32.load offset=2496 (i32.add (local.get $st) (i32.shl (local.get $i) (i32.const 2)))))

  ;; 2·random_sample − 1 from two words a, b: random_sample is (a>>5 · 2²⁶ + b>>6) / 2⁵³.
  (func $signed (param $a i32) (param $b i32) (result f64)
    (f64.sub
      (f64.mul
        (f64.add
          (f64.mul (f64.convert_i32_u (i32.shr_u (local.get $a) (i32.const 5))) (f64.const 67108864))
          (f64.convert_i32_u (i32.shr_u (local.get $b) (i32.const 6))))
        (f64.const 0x1p-52))
      (f64.const 1)))

  ;; ln x as V8's Math.log computes it, bit for bit: fdlibm's e_log.c (Sun Microsystems, 1993:
  ;; "Permission to use, copy, modify, and distribute this software is freely granted, provided
  ;; that this notice is preserved"), which V8 carries as base::ieee754::log. x = 2ᵏ·(1 + f) with
  ;; √2/2 < 1 + f < √2; s = f/(2 + f); ln(1 + f) = f − s·(f − R(s²)), R a minimax polynomial.
  ;; (numpy's log is glibc's, which rounds differently on some inputs: see the README.)
  (func $log (export "log") (param $x f64) (result f64)
    (local $bits i64) (local $hx i32) (local $k i32) (local $i i32) (local $j i32)
    (local $f f64) (local $s f64) (local $z f64) (local $w f64) (local $r f64)
    (local $dk f64) (local $hfsq f64)
    (local.set $bits (i64.reinterpret_f64 (local.get $x)))
    (local.set $hx (i32.wrap_i64 (i64.shr_u (local.get $bits) (i64.const 32))))
    (if (i32.lt_s (local.get $hx) (i32.const 0x00100000))
      (then
        (if (f64.eq (local.get $x) (f64.const 0)) (then (return (f64.const -inf))))
        (if (i32.lt_s (local.get $hx) (i32.const 0)) (then (return (f64.const nan))))
        (local.set $k (i32.const -54))
        (local.set $x (f64.mul (local.get $x) (f64.const 0x1p54)))
        (local.set $bits (i64.reinterpret_f64 (local.get $x)))
        (local.set $hx (i32.wrap_i64 (i64.shr_u (local.get $bits) (i64.const 32))))))
    (if (i32.ge_s (local.get $hx) (i32.const 0x7ff00000)) (then (return (f64.add (local.get $x) (local.get $x)))))
    (local.set $k (i32.add (local.get $k) (i32.sub (i32.shr_s (local.get $hx) (i32.const 20)) (i32.const 1023))))
    (local.set $hx (i32.and (local.get $hx) (i32.const 0x000fffff)))
    (local.set $i (i32.and (i32.add (local.get $hx) (i32.const 0x95f64)) (i32.const 0x100000)))
    ;; normalize x or x/2: its high word becomes hx | (i ^ 0x3ff00000)
    (local.set $x (f64.reinterpret_i64 (i64.or
      (i64.and (local.get $bits) (i64.const 0xffffffff))
      (i64.shl (i64.extend_i32_u (i32.or (local.get $hx) (i32.xor (local.get $i) (i32.const 0x3ff00000))))
        (i64.const 32)))))
    (local.set $k (i32.add (local.get $k) (i32.shr_s (local.get $i) (i32.const 20))))
    (local.set $f (f64.sub (local.get $x) (f64.const 1)))
    (local.set $dk (f64.convert_i32_s (local.get $k)))
    (if (i32.lt_s (i32.and (i32.const 0x000fffff) (i32.add (local.get $hx) (i32.const 2))) (i32.const 3))
      (then ;; |f| < 2⁻²⁰
        (if (f64.eq (local.get $f) (f64.const 0))
          (then
            (if (i32.eqz (local.get $k)) (then (return (f64.const 0))))
            (return (f64.add (f64.mul (local.get $dk) (f64.const 6.93147180369123816490e-01))
              (f64.mul (local.get $dk) (f64.const 1.90821492927058770002e-10))))))
        (local.set $r (f64.mul (f64.mul (local.get $f) (local.get $f))
          (f64.sub (f64.const 0.5) (f64.mul (f64.const 0.33333333333333333) (local.get $f)))))
        (if (i32.eqz (local.get $k)) (then (return (f64.sub (local.get $f) (local.get $r)))))
        (return (f64.sub (f64.mul (local.get $dk) (f64.const 6.93147180369123816490e-01))
          (f64.sub (f64.sub (local.get $r) (f64.mul (local.get $dk) (f64.const 1.90821492927058770002e-10)))
            (local.get $f))))))
    (local.set $s (f64.div (local.get $f) (f64.add (f64.const 2) (local.get $f))))
    (local.set $z (f64.mul (local.get $s) (local.get $s)))
    (local.set $i (i32.sub (local.get $hx) (i32.const 0x6147a)))
    (local.set $w (f64.mul (local.get $z) (local.get $z)))
    (local.set $j (i32.sub (i32.const 0x6b851) (local.get $hx)))
    ;; R = t2 + t1, t1 = w·(Lg2 + w·(Lg4 + w·Lg6)), t2 = z·(Lg1 + w·(Lg3 + w·(Lg5 + w·Lg7)))
    (local.set $r (f64.add
      (f64.mul (local.get $z) (f64.add (f64.const 6.666666666666735130e-01)
        (f64.mul (local.get $w) (f64.add (f64.const 2.857142874366239149e-01)
          (f64.mul (local.get $w) (f64.add (f64.const 1.818357216161805012e-01)
            (f64.mul (local.get $w) (f64.const 1.479819860511658591e-01))))))))
      (f64.mul (local.get $w) (f64.add (f64.const 3.999999999940941908e-01)
        (f64.mul (local.get $w) (f64.add (f64.const 2.222219843214978396e-01)
          (f64.mul (local.get $w) (f64.const 1.531383769920937332e-01))))))))
    (if (i32.gt_s (i32.or (local.get $i) (local.get $j)) (i32.const 0))
      (then
        (local.set $hfsq (f64.mul (f64.mul (f64.const 0.5) (local.get $f)) (local.get $f)))
        (if (i32.eqz (local.get $k))
          (then (return (f64.sub (local.get $f)
            (f64.sub (local.get $hfsq) (f64.mul (local.get $s) (f64.add (local.get $hfsq) (local.get $r))))))))
        (return (f64.sub (f64.mul (local.get $dk) (f64.const 6.93147180369123816490e-01))
          (f64.sub
            (f64.sub (local.get $hfsq)
              (f64.add (f64.mul (local.get $s) (f64.add (local.get $hfsq) (local.get $r)))
                (f64.mul (local.get $dk) (f64.const 1.90821492927058770002e-10))))
            (local.get $f))))))
    (if (i32.eqz (local.get $k))
      (then (return (f64.sub (local.get $f) (f64.mul (local.get $s) (f64.sub (local.get $f) (local.get $r)))))))
    (f64.sub (f64.mul (local.get $dk) (f64.const 6.93147180369123816490e-01))
      (f64.sub
        (f64.sub (f64.mul (local.get $s) (f64.sub (local.get $f) (local.get $r)))
          (f64.mul (local.get $dk) (f64.const 1.90821492927058770002e-10)))
        (local.get $f))))

  ;; numpy's legacy_gauss, `pairs` times: a point (x1, x2) = (2u₁ − 1, 2u₂ − 1) accepted when
  ;; 0 < r² = x1² + x2² < 1, f = √(−2·ln r² / r²), then f·x2 and f·x1 written at out.
  (func (export "polar_normals") (param $st i32) (param $out i32) (param $pairs i32)
    (local $x1 f64) (local $x2 f64) (local $r2 f64) (local $f f64) (local $end i32) (local $i i32) (local $w i32)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $pairs) (i32.const 4))))
    (loop $point
      (local.set $i (i32.load offset=4992 (local.get $st)))
      (if (i32.le_u (local.get $i) (i32.const 620))
        (then ;; the four words at hand
          (local.set $w (i32.add (local.get $st) (i32.shl (local.get $i) (i32.const 2))))
          (local.set $x1 (call $signed (i32.load offset=2496 (local.get $w)) (i32.load offset=2500 (local.get $w))))
          (local.set $x2 (call $signed (i32.load offset=2504 (local.get $w)) (i32.load offset=2508 (local.get $w))))
          (i32.store offset=4992 (local.get $st) (i32.add (local.get $i) (i32.const 4))))
        (else ;; across a refill, a word at a time
          (local.set $x1 (call $signed (call $next_word (local.get $st)) (call $next_word (local.get $st))))
          (local.set $x2 (call $signed (call $next_word (local.get $st)) (call $next_word (local.get $st))))))
      (local.set $r2 (f64.add (f64.mul (local.get $x1) (local.get $x1)) (f64.mul (local.get $x2) (local.get $x2))))
      (if (i32.and (f64.lt (local.get $r2) (f64.const 1)) (f64.ne (local.get $r2) (f64.const 0)))
        (then
          (local.set $f (f64.sqrt (f64.div (f64.mul (f64.const -2) (call $log (local.get $r2))) (local.get $r2))))
          (f64.store (local.get $out) (f64.mul (local.get $f) (local.get $x2)))
          (f64.store offset=8 (local.get $out) (f64.mul (local.get $f) (local.get $x1)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))))
      (br_if $point (i32.lt_u (local.get $out) (local.get $end)))))
)
