//! cxone
