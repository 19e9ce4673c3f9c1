//! One axis of a sliding window (a conv's or a pool's rows or columns): the output size
//! and the back-propagation of a row range, with asymmetric padding, dilation and
//! Caffe/PyTorch's ceil mode. Spec §2 is the symmetric, undilated, floor-mode case.

/// Kernel, stride, padding before and after, and dilation along one axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Axis {
    pub kernel: u32,
    pub stride: u32,
    pub pad_before: u32,
    pub pad_after: u32,
    pub dilation: u32,
    /// Round the output size up (pools only): the last window may overhang the padding.
    pub ceil: bool,
}

impl Axis {
    /// A dense axis: kernel `k`, stride `s`, `p` on both sides, no dilation.
    pub const fn plain(kernel: u32, stride: u32, padding: u32) -> Self {
        Axis {
            kernel,
            stride,
            pad_before: padding,
            pad_after: padding,
            dilation: 1,
            ceil: false,
        }
    }

    /// Rows a kernel spans, dilation included.
    pub fn span(&self) -> u64 {
        u64::from(self.dilation) * (u64::from(self.kernel) - 1) + 1
    }

    /// The output size for an input of `n`, or a message when the window does not fit or
    /// an output would read padding only.
    pub fn output(&self, n: u32) -> Result<u32, String> {
        let padded = u64::from(n) + u64::from(self.pad_before) + u64::from(self.pad_after);
        let span = self.span();
        let s = u64::from(self.stride);
        if span > padded {
            return Err(format!(
                "the window of {span} is larger than its padded input of {padded}"
            ));
        }
        if u64::from(self.pad_before) >= span || u64::from(self.pad_after) >= span {
            return Err(format!(
                "padding {}/{} must be smaller than the window of {span} (a row of pure padding would be computed)",
                self.pad_before, self.pad_after
            ));
        }
        let mut out = if self.ceil {
            (padded - span).div_ceil(s) + 1
        } else {
            (padded - span) / s + 1
        };
        // Ceil mode: the last window must start inside the input or the top padding.
        if self.ceil && (out - 1) * s >= u64::from(n) + u64::from(self.pad_before) {
            out -= 1;
        }
        Ok(out as u32)
    }

    /// The input rows (of `n` real rows) that output rows `first..=last` read; padding is
    /// clipped, never transmitted or computed.
    pub fn back(&self, first: u32, last: u32, n: u32) -> (u32, u32) {
        let s = u64::from(self.stride);
        let p = u64::from(self.pad_before);
        let lo = (u64::from(first) * s).saturating_sub(p);
        let hi = (u64::from(last) * s + self.span() - 1).saturating_sub(p);
        (
            lo.min(u64::from(n) - 1) as u32,
            hi.min(u64::from(n) - 1) as u32,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_axis_is_the_spec_formula() {
        let a = Axis::plain(3, 1, 1);
        assert_eq!(a.output(224), Ok(224));
        assert_eq!(a.back(0, 0, 224), (0, 1));
        assert_eq!(a.back(10, 20, 224), (9, 21));
        assert_eq!(a.back(223, 223, 224), (222, 223));
        let b = Axis::plain(11, 4, 2);
        assert_eq!(b.output(224), Ok(55));
    }

    #[test]
    fn ceil_mode_drops_a_window_that_starts_in_the_bottom_padding() {
        // PyTorch: MaxPool2d(3, 2, ceil_mode=True) on 112 rows gives 56.
        let mut a = Axis::plain(3, 2, 0);
        a.ceil = true;
        assert_eq!(a.output(112), Ok(56));
        assert_eq!(a.output(113), Ok(56));
        // Darknet's maxpool size 2 stride 1 padding 1 (0 before, 1 after) keeps 13 rows.
        let d = Axis {
            kernel: 2,
            stride: 1,
            pad_before: 0,
            pad_after: 1,
            dilation: 1,
            ceil: false,
        };
        assert_eq!(d.output(13), Ok(13));
        assert_eq!(d.back(12, 12, 13), (12, 12));
    }

    #[test]
    fn dilation_widens_the_window() {
        let a = Axis {
            dilation: 2,
            ..Axis::plain(3, 1, 2)
        };
        assert_eq!(a.span(), 5);
        assert_eq!(a.output(10), Ok(10));
        assert_eq!(a.back(0, 0, 10), (0, 2));
        assert!(Axis::plain(3, 1, 3).output(10).is_err());
    }
}
