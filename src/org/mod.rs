//! 组织体系 (organisation tree).
