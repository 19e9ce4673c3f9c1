// Play, pause, step and speed for the two animated views (like GAN Lab's slow motion):
// the halo replay (CSS animations, driven through the Web Animations API) and the FL
// flows (SVG SMIL animations, driven by setting the SVG's clock). A system asking for
// reduced motion gets still pictures: nothing moves until the visitor presses play or
// step, and the FL view, drawn without motion then, says so.

const SPEEDS = [0.25, 0.5, 1, 2];
/** One step: a halo column starts every 0.25 s; the FL flows loop every 1.6 s. */
const STEP_S = { halo: 0.25, fl: 0.2 };

export function prefersStill() {
  return matchMedia('(prefers-reduced-motion: reduce)').matches;
}

function figure(name) {
  return document.querySelector(`[data-view="${name}"]`);
}

/** A button with its text and label. */
function button(text, label) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  return b;
}

/** The halo view's CSS animations: `play()`, `pause()`, `step()`, rate, redraw hook. */
function haloDriver(replay) {
  const anims = () => figure('halo').getAnimations({ subtree: true });
  // Set while this driver redraws the view itself, so `redrawn` leaves that drawing be.
  let own = false;
  const restart = () => {
    own = true;
    replay('halo');
    return anims();
  };
  return {
    supported: () => true,
    play(rate) {
      let list = anims().filter((a) => a.playState !== 'finished');
      if (!list.length) list = restart();
      for (const a of list) {
        a.updatePlaybackRate(rate);
        a.play();
      }
    },
    pause() {
      for (const a of anims()) a.pause();
    },
    step() {
      let list = anims().filter((a) => a.playState !== 'finished');
      if (!list.length) {
        list = restart();
        for (const a of list) a.currentTime = 0;
      }
      for (const a of list) {
        a.pause();
        a.currentTime = (Number(a.currentTime) || 0) + STEP_S.halo * 1000;
      }
    },
    /** After a redraw: keep the rate; a paused or still player shows the end state. */
    redrawn(p) {
      const mine = own;
      own = false;
      for (const a of anims()) {
        a.updatePlaybackRate(p.rate);
        if (!p.playing && !mine) a.finish();
      }
    },
  };
}

/** The FL view's SMIL animations, on a clock this module advances while playing and the
 * view is in sight (off screen the clock waits: moving it costs every frame). */
function flDriver() {
  const svgEl = () => figure('fl').querySelector('svg');
  const has = () => Boolean(svgEl()?.querySelector('animate, animateMotion'));
  let raf = null;
  let last = 0;
  let rate = 1;
  let playing = false;
  let inSight = false;
  const tick = (now) => {
    const s = svgEl();
    if (s) s.setCurrentTime(s.getCurrentTime() + ((now - last) / 1000) * rate);
    last = now;
    raf = requestAnimationFrame(tick);
  };
  const run = () => {
    cancelAnimationFrame(raf);
    raf = null;
    if (!playing || !inSight) return;
    last = performance.now();
    raf = requestAnimationFrame(tick);
  };
  new IntersectionObserver(([e]) => {
    inSight = e.isIntersecting;
    run();
  }).observe(figure('fl'));
  return {
    supported: has,
    play(r) {
      rate = r;
      playing = true;
      svgEl()?.pauseAnimations();
      run();
    },
    pause() {
      playing = false;
      run();
      svgEl()?.pauseAnimations();
    },
    step() {
      this.pause();
      const s = svgEl();
      if (s) s.setCurrentTime(s.getCurrentTime() + STEP_S.fl);
    },
    redrawn(p) {
      rate = p.rate;
      // The drawing is new: its clock starts over, paused; the rAF loop drives it.
      svgEl()?.pauseAnimations();
    },
  };
}

/** Builds the controls in `[data-anim=name]` and keeps them applied across redraws. */
function install(name, driver) {
  const box = document.querySelector(`[data-anim="${name}"]`);
  if (!box) return;
  const p = { playing: !prefersStill(), rate: 1 };
  const play = button('', `Play or pause the ${name} animation`);
  const step = button('Step ▸|', `Step the ${name} animation`);
  const speed = document.createElement('select');
  speed.setAttribute('aria-label', `${name} animation speed`);
  speed.replaceChildren(...SPEEDS.map((s) => new Option(`${s}×`, s)));
  speed.value = '1';
  const note = document.createElement('span');
  note.className = 'anim-note';
  play.dataset.testid = `${name}-anim-play`;
  step.dataset.testid = `${name}-anim-step`;
  speed.dataset.testid = `${name}-anim-speed`;
  box.replaceChildren(play, step, speed, note);

  const show = () => {
    const ok = driver.supported();
    play.textContent = p.playing ? 'Pause' : '▶ Play';
    play.setAttribute('aria-pressed', String(p.playing));
    for (const c of [play, step, speed]) c.disabled = !ok;
    note.textContent = ok ? (prefersStill() && !p.playing ? 'still (reduced motion): press play or step' : '') : 'still: your system asks for reduced motion';
  };
  play.addEventListener('click', () => {
    p.playing = !p.playing;
    if (p.playing) driver.play(p.rate);
    else driver.pause();
    show();
  });
  step.addEventListener('click', () => {
    p.playing = false;
    driver.step();
    show();
  });
  speed.addEventListener('input', () => {
    p.rate = Number(speed.value);
    if (p.playing) driver.play(p.rate);
  });
  new MutationObserver(() => {
    driver.redrawn(p);
    if (p.playing && name === 'fl') driver.play(p.rate);
    show();
  }).observe(figure(name), { childList: true });
  show();
}

/** `replay(name)` redraws a view with its animation restarted. */
export function installAnimations(replay) {
  install('halo', haloDriver(replay));
  install('fl', flDriver());
}
