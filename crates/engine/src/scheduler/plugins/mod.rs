//! In-tree plugins, named as upstream names them.
